#!/usr/bin/env python3
"""Join C string literals that an old 80-column clang-format split.

    scripts/join-strings.py FILE...

"abc "<newline + indent>"def" becomes "abc def", so that a message greps
as one line; .clang-format (BreakStringLiterals: false) never splits it
again. The compiler concatenates adjacent literals anyway, so the program
does not change. Left alone:
  - a fragment that ends in \\n (one line of a multi-line text stays one
    source line);
  - a pair where joining would change an escape: a fragment ending in a
    \\x or octal escape followed by a hex or octal digit;
  - literals with a prefix (L"", u8""), literals separated by anything
    but white space (a macro such as PRIu64, a comment), and anything in a
    comment or a preprocessor line.
Run clang-format afterwards: it re-wraps the arguments around the joined
string. Prints how many joins it made in each file it changed.
"""
import re
import sys

# One string literal: "..." with escapes.
LIT = r'"(?:[^"\\\n]|\\.)*"'
ESC_END = re.compile(r'(\\x[0-9a-fA-F]+|\\[0-7]{1,3})$')


def literals(text):
    """(start, end) of each string literal in code: not in a comment, a
    character literal or a preprocessor line, where a join could change
    what the text means."""
    spans = []
    lit = re.compile(LIT)
    chr_lit = re.compile(r"'(?:[^'\\\n]|\\.)*'")
    directive = re.compile(r'[ \t]*#')
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and directive.match(text, i):
            while True:  # the directive, with its continuation lines
                k = text.find('\n', i)
                if k < 0:
                    return spans
                i = k + 1
                if text[k - 1] != '\\':
                    break
            continue
        line_start = False
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            i = n if j < 0 else j + 2
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif c == '"':
            m = lit.match(text, i)
            if not m:
                i += 1
                continue
            prefixed = i > 0 and (text[i - 1].isalnum() or text[i - 1] == '_')
            if not prefixed:
                spans.append((i, m.end()))
            i = m.end()
        elif c == "'":
            m = chr_lit.match(text, i)
            i = m.end() if m else i + 1
        else:
            if c == '\n':
                line_start = True
            i += 1
    return spans


def joinable(a, b, between):
    if '\n' not in between or between.strip(' \t\n'):
        return False
    if a.endswith('\\n'):
        return False
    e = ESC_END.search(a)
    if e and b:
        digits = '0123456789abcdefABCDEF' if e.group(1).startswith('\\x') \
            else '01234567'
        if b[0] in digits:
            return False
    return True


def join(text):
    spans = literals(text)
    out, pos, joins = [], 0, 0
    k = 0
    while k < len(spans):
        s, e = spans[k]
        body = text[s + 1:e - 1]
        while k + 1 < len(spans):
            s2, e2 = spans[k + 1]
            b = text[s2 + 1:e2 - 1]
            if not joinable(body, b, text[e:s2]):
                break
            body += b
            e = e2
            k += 1
            joins += 1
        out.append(text[pos:s])
        out.append('"' + body + '"')
        pos = e
        k += 1
    out.append(text[pos:])
    return ''.join(out), joins


def main(paths):
    total = 0
    for p in paths:
        with open(p, encoding='utf-8') as f:
            old = f.read()
        new, n = join(old)
        if n:
            with open(p, 'w', encoding='utf-8') as f:
                f.write(new)
            print(f'{p}: {n} joins')
            total += n
    print(f'{total} joins')


if __name__ == '__main__':
    main(sys.argv[1:])
