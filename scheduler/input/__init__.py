"""Reading the input files: field types, models, YAML with positions, zones, templates."""
