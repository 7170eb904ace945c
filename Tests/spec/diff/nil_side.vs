# nil on one side stands for something that does not exist: each field of the other differs.
let want = {name: "dnat-ssh", type: "DNAT"}
print(repr(diff(nil, want)), repr(diff(want, nil, only: ["type"])), diff(nil, nil))
# expect: [{field: "name", left: nil, right: "dnat-ssh"}, {field: "type", left: nil, right: "DNAT"}] [{field: "type", left: "DNAT", right: nil}] []
