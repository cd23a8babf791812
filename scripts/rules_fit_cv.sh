#!/usr/bin/env bash
# Whether refitting the weights now would help texts nobody tuned on, before anyone runs
# `adwatch rules fit --write` (rules/README.md, "When to refit"). Cross-validates the fit by
# writer on the dev split only: the families' dev files are dealt into FOLDS folds (every
# FOLDS-th file, one file per writer), each fold is left out in turn, the weights are fitted on
# the rest (with the old corpus's dev file always in), and the fold left out is scored before and
# after with `rules fit --test`. Writes nothing into rules/; prints the summed counts per L2.
#   scripts/rules_fit_cv.sh [--folds N] [--build DIR] [L2...]    # default 5 folds, L2 0.00002
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
folds=5 build="$src/build"
while (($#)); do
  case $1 in
    --folds) folds=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "rules_fit_cv.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
l2s=("$@")
((${#l2s[@]})) || l2s=(0.00002)
bin="$build/app/adwatch"
[ -x "$bin" ] || { echo "rules_fit_cv.sh: $bin not built (cmake --build $build --target adwatch)" >&2; exit 2; }
((folds >= 2)) || { echo "rules_fit_cv.sh: --folds must be 2 or more" >&2; exit 2; }
cd "$src"
files=(tests/data/corpus/families/dev/*.jsonl)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for l2 in "${l2s[@]}"; do
  for ((k = 0; k < folds; ++k)); do
    train=(tests/data/corpus/dev.jsonl) held=()
    for i in "${!files[@]}"; do
      if ((i % folds == k)); then held+=("${files[$i]}"); else train+=("${files[$i]}"); fi
    done
    echo "l2 $l2, fold $((k + 1))/$folds: fitting on ${#train[@]} files, scoring ${#held[@]}" >&2
    "$bin" rules fit "${train[@]}" --test "${held[@]}" --l2 "$l2" --show 0 >"$out/$l2.$k"
  done
  # "test before    628/632 (99%)    8/823 (1%)      3/475 (1%)": lures caught, look-alikes and
  # news flagged, summed over the folds.
  cat "$out/$l2".* | awk -v l2="$l2" '
    /^test (before|after)/ {
      split($3, a, "/"); split($5, b, "/"); split($7, c, "/")
      lure[$2] += a[1]; nl[$2] += a[2]
      legit[$2] += b[1]; ng[$2] += b[2]; news[$2] += c[1]; nn[$2] += c[2]
    }
    END {
      printf "L2 %s, folds left out, summed:\n", l2
      printf "  written weights  lures %d/%d  look-alikes %d/%d  news as ad %d/%d\n",
             lure["before"], nl["before"], legit["before"], ng["before"], news["before"], nn["before"]
      printf "  refitted         lures %d/%d  look-alikes %d/%d  news as ad %d/%d\n",
             lure["after"], nl["after"], legit["after"], ng["after"], news["after"], nn["after"]
    }'
done
