"""What `mission bench --skip` can leave out; a module of its own so the CLI reads it cheaply."""

SKIPPABLE = ("solve", "export", "first-fit", "monolithic")
