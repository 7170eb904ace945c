# An error whose code no clause names passes through, to the next try out or to the end of the run.
fn inner() {
    try {
        throw error("FORBIDDEN", "the role lacks the right")
    } catch NOT_FOUND as e {
        print("not here")
    }
}
try { inner() } catch FORBIDDEN as e { print("outer took", e.code) }  # expect: outer took FORBIDDEN
inner()
# expect error: the role lacks the right
# expect exit: 1
