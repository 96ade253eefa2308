"""Optional glue between `cleaner` and other tools; each module imports its tool."""
