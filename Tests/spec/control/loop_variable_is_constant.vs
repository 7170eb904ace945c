for i in 0..<3 { i = 5 }
# expect error: cannot assign to i: it is declared with let
# expect exit: 65
