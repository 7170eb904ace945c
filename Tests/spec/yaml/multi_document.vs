let text = "a: 1\n---\nb: 2\n---\n- x\n"
let docs = yaml.decodeAll(text)
print(len(docs), docs[0].a, docs[1].b, docs[2])  # expect: 3 1 2 ["x"]
print(yaml.encodeAll([{a: 1}, [2]]).trim())
# expect: a: 1
# expect: ---
# expect: - 2
