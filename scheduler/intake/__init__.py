"""Registrations in: spreadsheets of companies read into profiles (`mission import`), and
the partnering catalogue people choose partners from (`mission catalogue`)."""
