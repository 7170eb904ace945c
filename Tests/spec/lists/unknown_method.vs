[1, 2].appendd(3)
# expect error: list has no member appendd
# expect error: did you mean "append"?
