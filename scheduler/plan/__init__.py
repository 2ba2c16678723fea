"""Orchestration below the CLI: solve, re-plan, check, export, publish."""
