#!/usr/bin/env bash
# make-subset.sh — regenerate casetrail-fallback-sc.otf (the CJK fallback font
# that casetrail-core embeds with include_bytes! for watermark text).
#
# INPUT (not vendored; comes from the Debian package):
#   Debian package : fonts-noto-cjk, version 1:20220127+repack1-1
#                    (check with: dpkg-query -W fonts-noto-cjk)
#   File           : /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
#   Face           : font number 2 = "Noto Sans CJK SC", Regular, Version 2.004
#                    (Debian ships only Regular and Bold OTCs; no Medium.)
#   Licence        : SIL Open Font License 1.1 (see OFL.txt next to this script)
#
# OUTPUT: casetrail-fallback-sc.otf (CFF/OpenType, family renamed to
#         "CaseTrail Fallback SC" because it is a Modified Version under the OFL).
#
# Character set (see README.md): printable ASCII, GB 2312 row 1 (symbols) and
# row 3 minus the full-width Latin letters, a few extra punctuation code points,
# and all 6763 hanzi of GB 2312 (levels 1+2).
#
# Requirements: python3 with fontTools (pyftsubset), dpkg-query, sha256sum.
# The result is deterministic for a given input font + fontTools version
# (head.modified is kept from the source font, no timestamps are written).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
FACE=2
EXPECTED_FACE_NAME='Noto Sans CJK SC'
EXPECTED_PKG_VERSION='1:20220127+repack1-1'
OUT="$HERE/casetrail-fallback-sc.otf"
FEATURES='kern,liga,locl,calt,ccmp'

pkg_version="$(dpkg-query -W -f='${Version}' fonts-noto-cjk 2>/dev/null || true)"
if [[ -z "$pkg_version" ]]; then
  echo "error: Debian package fonts-noto-cjk is not installed (apt-get install fonts-noto-cjk)" >&2
  exit 1
fi
if [[ "$pkg_version" != "$EXPECTED_PKG_VERSION" ]]; then
  echo "warning: fonts-noto-cjk is $pkg_version, this script was written for $EXPECTED_PKG_VERSION;" >&2
  echo "         the output will differ from the committed file (update README.md)." >&2
fi
[[ -f "$SRC" ]] || { echo "error: $SRC not found" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# --- 0. make sure font number $FACE really is Noto Sans CJK SC -------------
python3 - "$SRC" "$FACE" "$EXPECTED_FACE_NAME" <<'PY'
import sys
from fontTools.ttLib import TTFont
src, face, want = sys.argv[1], int(sys.argv[2]), sys.argv[3]
name = TTFont(src, fontNumber=face, lazy=True)["name"]
got = name.getDebugName(1)
if got != want:
    sys.exit(f"error: face {face} of {src} is {got!r}, expected {want!r}")
print(f"input: {src} #{face}: {name.getDebugName(4)} / {name.getDebugName(5)}")
PY

# --- 1. code point list ---------------------------------------------------
python3 - "$TMP/unicodes.txt" <<'PY'
import sys, unicodedata

cps = set(range(0x20, 0x7F))                       # printable ASCII
# Punctuation/symbols the app uses.  U+00B7/U+2014 are what GBK/GB18030
# decoders give for GB2312 A1A4/A1AA (Python's gb2312 codec gives U+30FB/U+2015),
# so both spellings are included.
cps.update(map(ord, "°±×·，。、；：？！“”‘’（）【】《》〔〕—…％＋－／"
                    "\u3000\u30fb\u2015\u00b7\u2014"))
cps.update(range(0xFF10, 0xFF1A))                  # full-width digits ０-９

def gb(row_lo, row_hi):
    for hi in range(row_lo, row_hi + 1):
        for lo in range(0xA1, 0xFF):
            try:
                yield bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                pass

cps.update(ord(c) for c in gb(0xA1, 0xA1))         # GB2312 row 1: punctuation & symbols
cps.update(ord(c) for c in gb(0xA3, 0xA3)          # GB2312 row 3 minus Ａ-Ｚ ａ-ｚ
           if not unicodedata.name(c, "").startswith("FULLWIDTH LATIN"))
hanzi = [c for c in gb(0xB0, 0xF7)
         if unicodedata.name(c, "").startswith("CJK UNIFIED IDEOGRAPH")]
assert len(hanzi) == 6763, len(hanzi)
cps.update(map(ord, hanzi))
# Characters of the app's own labels (all already in GB2312; kept explicit).
app = ("〔〕统计执法现场检查询问笔录留置送达公告拒签无定位设备证号案号时间地点"
       "经纬度精度地址执法人员区统计局原件哈希北京时间东八区缓存见证人")
cps.update(map(ord, app))

with open(sys.argv[1], "w") as f:
    f.write("\n".join("U+%04X" % c for c in sorted(cps)) + "\n")
print(f"code points: {len(cps)} (of which GB2312 hanzi: {len(hanzi)})")
PY

COMMON=(
  --unicodes-file="$TMP/unicodes.txt"
  --layout-features="$FEATURES"
  --no-hinting
  --notdef-outline
  --name-IDs='*'
  --name-languages='*'
  --drop-tables+=vhea,vmtx,VORG
)

# --- 2. first pass from the collection ------------------------------------
pyftsubset "$SRC" --font-number="$FACE" "${COMMON[@]}" --output-file="$TMP/pass1.otf"

# --- 3. keep only the language systems relevant to Simplified Chinese ------
# The SC face's 'locl' for JAN/KOR/ZHT/ZHH swaps ~5800 hanzi to Japanese,
# Korean, Taiwanese and Hong Kong glyph forms; keeping those nearly doubles
# the file for glyphs a zh-Hans watermark never uses.  We keep the default
# language system of every script plus ZHS, then subset again so the
# unreachable glyphs disappear.  locl itself stays (it still does the
# SC/default substitutions).
python3 - "$TMP/pass1.otf" "$TMP/pass1-zhs.otf" <<'PY'
import sys
from fontTools.ttLib import TTFont
f = TTFont(sys.argv[1], recalcTimestamp=False)
for tag in ("GSUB", "GPOS"):
    if tag in f:
        for sr in f[tag].table.ScriptList.ScriptRecord:
            sr.Script.LangSysRecord = [r for r in sr.Script.LangSysRecord if r.LangSysTag == "ZHS "]
            sr.Script.LangSysCount = len(sr.Script.LangSysRecord)
f.save(sys.argv[2], reorderTables=True)
PY

# --- 4. second pass; try with and without --desubroutinize, keep smaller ----
pyftsubset "$TMP/pass1-zhs.otf" "${COMMON[@]}" --output-file="$TMP/plain.otf"
pyftsubset "$TMP/pass1-zhs.otf" "${COMMON[@]}" --desubroutinize --output-file="$TMP/desub.otf"
plain_size=$(stat -c %s "$TMP/plain.otf")
desub_size=$(stat -c %s "$TMP/desub.otf")
if (( desub_size < plain_size )); then
  chosen="$TMP/desub.otf"; echo "subroutinized: $plain_size B, desubroutinized: $desub_size B -> using desubroutinized"
else
  chosen="$TMP/plain.otf"; echo "subroutinized: $plain_size B, desubroutinized: $desub_size B -> using subroutinized"
fi

# --- 5. rename the family (OFL Modified Version) ---------------------------
python3 - "$chosen" "$OUT" "$pkg_version" <<'PY'
import sys
from fontTools.ttLib import TTFont
src, out, pkg = sys.argv[1:4]
FAMILY = "CaseTrail Fallback SC"
PS = "CaseTrailFallbackSC-Regular"
OLD_PS_CFF_PREFIXES = ("NotoSansCJKjp-Regular", "NotoSansCJKsc-Regular")

f = TTFont(src, recalcTimestamp=False)
name = f["name"]
for rec in list(name.names):
    nid = rec.nameID
    if nid == 1:
        new = FAMILY
    elif nid == 2:
        new = "Regular"
    elif nid == 3:
        new = f"2.004;CaseTrail;{PS}"
    elif nid == 4:
        new = FAMILY
    elif nid == 5:
        new = ("Version 2.004; CaseTrail subset of Noto Sans CJK SC Regular "
               f"(Debian fonts-noto-cjk {pkg})")
    elif nid == 6:
        new = PS
    elif nid in (16, 17, 21, 22):      # typographic / WWS names: not needed for a single Regular face
        name.names.remove(rec)
        continue
    else:
        continue
    rec.string = new
name.names.sort(key=lambda r: (r.platformID, r.platEncID, r.langID, r.nameID))

# CFF internal names (the OTC shares one CFF whose names say "jp").
cff = f["CFF "].cff
top = cff.topDictIndex[0]
top.FamilyName = FAMILY
top.FullName = FAMILY + " Regular"
def fix(n):
    for p in OLD_PS_CFF_PREFIXES:
        if n.startswith(p):
            return PS + n[len(p):]
    return n
if hasattr(top, "FDArray"):
    for fd in top.FDArray:
        if hasattr(fd, "FontName"):
            fd.FontName = fix(fd.FontName)
cff.fontNames = [PS]

f.save(out, reorderTables=True)
PY

size=$(stat -c %s "$OUT")
echo "wrote $OUT"
echo "size:   $size bytes ($(awk -v s="$size" 'BEGIN{printf "%.2f MiB", s/1048576}'))"
echo "sha256: $(sha256sum "$OUT" | cut -d' ' -f1)"
