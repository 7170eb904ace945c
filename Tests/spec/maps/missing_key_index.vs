let vm = {name: "web", cpus: 2}
print(vm["cpu"])
# expect error: no key "cpu" in the map
# expect error: did you mean "cpus"?
