let vm = {name: "web", memory: 2048}
print(vm.memroy)
# expect error: error[key]: no key "memroy" in the map
# expect error: did you mean "memory"?
# expect exit: 1
