import "./_cycle_a.vs" as a
# expect error: error[import]: import cycle: _cycle_a.vs -> _cycle_b.vs -> _cycle_a.vs
# expect error: move what both modules need into a third module
