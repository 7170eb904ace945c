let gateway = "gw-1"
fn show() {
    let count = 2
    print(gatway, cuont)
}
# expect error: unknown name gatway
# expect error: did you mean "gateway"?
# expect error: unknown name cuont
# expect error: did you mean "count"?
# expect error: 2 errors
