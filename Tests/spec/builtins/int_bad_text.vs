int("12abc")
# expect error: error[value]: cannot convert "12abc" to an int
