"""Shared builders and checks for the tests (not collected as tests)."""
