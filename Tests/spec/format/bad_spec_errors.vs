try { format(1, "99999") } catch e { print(e.message) }  # expect: bad format spec "99999": the width is more than 10000
try { format(1, ".") } catch e { print(e.message) }  # expect: bad format spec ".": a . must be followed by the number of digits
try { format("a", "d") } catch e { print(e.message) }  # expect: format spec type d is for numbers, not a string
try { format(1.5, "x") } catch e { print(e.message) }  # expect: format spec type x does not apply to a float
try { "{:>3".format(1) } catch e { print(e.message) }  # expect: format(): a {: placeholder is not closed with }
try { format(1, ".101") } catch e { print(e.message) }  # expect: bad format spec ".101": the precision is more than 100
