let results = parallel([fn() { 1 + 1 }, fn() { "two" }, fn() { [3] }], limit: 2)
print(results)  # expect: [2, "two", [3]]
print(parallel([]))  # expect: []
try {
    parallel([fn() { 1 }, fn() { throw error("TASK", "task failed") }])
} catch e {
    print(e.code, e.message)  # expect: TASK task failed
}
parallel([1, 2])
# expect error: parallel() takes a list of functions, found a int
