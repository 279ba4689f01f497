"""botcomments.simulate."""
