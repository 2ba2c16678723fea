"""Who should meet whom: explained match suggestions, their evaluation, and wish sheets."""
