# The spec runner gives every case a step limit, so a runaway loop is an error, not a hang.
var n = 0
while true { n += 1 }
# expect error: the step limit of
