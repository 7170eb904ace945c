# A module that declares parameters and exposes steps that use them.
param gateway = "gw-capvcd", doc: "the edge gateway"
param ipCount = 8, doc: "IP block on the gateway"
fn describe() { return "${gateway}/${ipCount}" }
if isMain() { print("run as a script") }
