"""Keep only the latin and latin-ext @font-face rules of Fontsource's CSS (read from stdin).

Norwegian and Swedish need no other subsets, and dropping them keeps the
self-hosted font small. Written to stdout.
"""

import re
import sys

css = sys.stdin.read()
blocks = re.findall(r"/\*[^*]*\*/\s*@font-face\s*{[^}]*}", css)
kept = [b for b in blocks if re.search(r"/\* inter-latin(-ext)?-", b)]
# Only the woff2 files are copied: every supported browser reads woff2.
kept = [re.sub(r",\s*url\([^)]*\.woff\) format\('woff'\)", "", b) for b in kept]
sys.stdout.write("\n".join(kept) + "\n")
