"""Evidence detectors: near-duplicates, templates, machine posting."""
