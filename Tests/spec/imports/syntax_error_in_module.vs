import "./_lib/broken.vs" as broken
# expect error: in module ./_lib/broken.vs: expected a name after let
# expect error: broken.vs:2:5
