"""Everything that fits or tunes what the runtime evaluates: the learned combiner
(:mod:`.combiner`, :mod:`.combiner_training`), the rule combiner's calibration
(:mod:`.rules`) and the room quantifier (:mod:`.quantifier`). The runtime package
``botcomments`` never imports this layer (``botcomments train-fusion`` loads it lazily).
"""
