"""After the partnering day: attendance sheets, their import into outcomes.yaml, and the
impact report built from what really happened."""
