for i in 0..<2 {
    let f = fn() { continue }
}
# expect error: continue outside a loop
