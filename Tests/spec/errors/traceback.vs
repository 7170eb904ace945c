fn inner(x) { x / 0 }
fn middle(x) { inner(x) + 1 }
fn outer() { middle(1) }
outer()
# expect error: error[arithmetic]: division by zero
# expect error: traceback (most recent call last):
# expect error:   Tests/spec/errors/traceback.vs:4:1 in <script>
# expect error:   Tests/spec/errors/traceback.vs:3:14 in outer
# expect error:   Tests/spec/errors/traceback.vs:2:16 in middle
# expect error:   Tests/spec/errors/traceback.vs:1:17 in inner
