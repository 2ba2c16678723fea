"""The meeting solver: search space, greedy start, LP bound, lexicographic CP-SAT."""
