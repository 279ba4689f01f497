"""Training pipeline for botcomments models (depends on botcomments, never the reverse)."""
