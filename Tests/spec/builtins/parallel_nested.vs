# parallel() called from inside a parallel task works (no deadlock on the interpreter lock).
let r = parallel([fn() { parallel([fn() { 1 }, fn() { 2 }]) }, fn() { 3 }])
print(r)  # expect: [[1, 2], 3]
print(parallel([fn() { 4 }, fn() { 5 }]))  # expect: [4, 5]
