let x = None
let y = True
# expect error: the empty value is nil
# expect error: booleans are true and false
