print([{name: "web", cpus: 2}, {name: "db", cpus: 4, disk: nil}])
# expect: NAME  CPUS  DISK
# expect: web   2
# expect: db    4     -
