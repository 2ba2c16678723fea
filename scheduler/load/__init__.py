"""Loading a mission folder: files to models, every problem located, references across files."""
