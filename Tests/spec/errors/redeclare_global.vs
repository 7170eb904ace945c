let a = 1
fn a() { }
# expect error: a is already defined at line 1
