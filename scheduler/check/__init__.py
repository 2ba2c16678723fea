"""The independent checker: hard rules, times, quality figures, reasons for what was not placed."""
