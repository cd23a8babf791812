#!/usr/bin/env python3
# Groups the samples of `perf script -F ip,sym` (from perf record --call-graph dwarf on
# classify_bench --benchmark_filter=BM_Classify) by classifier part: the innermost classifier
# function on each stack names it. docs/classifier-performance.md has the commands.
#   perf script -i perf.data -F ip,sym > stacks && bench/classifier/perf_parts.py stacks
import collections
import sys
# Attribute each sample to a part, by the innermost adwatch frame (and what it called).
parts = collections.Counter(); total = 0
def part_of(frames):
    # frames: leaf first
    names = [f for f in frames]
    joined = ' | '.join(names)
    if 'BM_Classify' not in joined: return None
    if 'RuleSet::Load' in joined: return 'setup(load)'
    for i, f in enumerate(names):
        if 'adwatch::' in f or 'Classify' in f:
            below = ' '.join(names[:i])
            if 'FindPhones' in f or 'SpelledDigits' in f or 'PhoneCandidates' in f or 'MentionsWhatsApp' in f: return 'entities: phones'
            if 'FindSalaries' in f or 'ReadAmount' in f or 'PayWordEnds' in f: return 'entities: salaries'
            if 'FindPlaces' in f or 'Gazetteer' in f: return 'entities: places'
            if 'FindLinksAndHandles' in f or 'AddContact' in f or 'E164' in f: return 'entities: links/handles'
            if 'ExtractFieldEntities' in f: return 'entities: other'
            if 'NegatedRegions' in f or 'QuotesASentence' in f: return 'negation regions'
            if 'DeniedBefore' in f or 'denial' in f.lower(): return 'denials'
            if 'ScanView' in f: return 'RE2::Set scans'
            if 'Normalize' in f or 'Folder' in f or 'Skeleton' in f or 'Deleet' in f or 'Encode' in f or 'UnitsOf' in f or 'MapSymbols' in f or 'JoinSpaced' in f: return 'normalisation/views'
            if 'MetaEvaluator' in f: return 'meta rules'
            if 'ScoreHits' in f: return 'scoring'
            if 'AddEvidence' in f or 'ToOriginal' in f or 'FindSpans' in f or 'FindNextMatch' in f: return 'span recovery'
            if 'LocateImageSpan' in f: return 'image spans'
            if 'Classifier::Classify' in f:
                if 're2::RE2::Match' in below or 're2::' in below: return 'span recovery'
                if 'malloc' in below or 'free' in below or 'operator new' in below or 'operator delete' in below: return 'Classify: alloc/free'
                if 'basic_string' in below or 'memcpy' in below or 'memmove' in below: return 'Classify: copies'
                if 'sort' in below: return 'Classify: sort hits'
                return 'Classify: own'
            return 'other adwatch: ' + f[:60]
    return 'unattributed'
frames = []
for line in open(sys.argv[1]):
    line = line.strip()
    if line and ' ' in line: line = line.split(' ',1)[1]
    if not line:
        if frames:
            p = part_of(frames)
            if p: parts[p] += 1; total += 1
        frames = []
        continue
    frames.append(line)
for p, n in parts.most_common(20):
    print(f"{100*n/total:5.1f}%  {p}")
print(total, "samples")
