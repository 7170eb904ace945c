let path = "/tmp/vcdscript-spec-write-and-read.txt"
write(path, "line one\nline two")
print(read(path).lines())  # expect: ["line one", "line two"]
print(exists(path), exists(path + ".missing"))  # expect: true false
