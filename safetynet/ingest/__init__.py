"""Importing a city's own files: reading office spreadsheets, validating them whole, storing the raw
data in versions and switching the warehouse (`safetynet import`, docs/import.md)."""
