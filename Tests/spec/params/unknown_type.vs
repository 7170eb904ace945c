param count: strng = "3"
# expect error: unknown parameter type strng
# expect error: did you mean "string"?
# expect exit: 65
