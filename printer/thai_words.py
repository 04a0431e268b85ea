"""Words the slips use that PyThaiNLP's bundled dictionary does not hold as one word.

newmm (printer/thai_text.py) proposes a line break at every boundary between two dictionary
words. Its dictionary has "ใบ" (a sheet) and "นี้" (this) but not "ใบนี้" (this slip), so the
queued slip wrapped "กรุณาเก็บใบ|นี้ไว้" inside the phrase. Two remedies, both needed:

- a demonstrative (นี้ นั้น โน้น) never starts a line: it belongs to the classifier or noun
  before it (ใบนี้, ตู้นี้, เครื่องนี้, ช่องทางนี้), whatever that noun is; see DEMONSTRATIVES;
- the names and compounds printed on slips that the dictionary splits (the app หมอพร้อม, the
  project ไทยร่วมใจ, the slip's own ใบนัด) are added to newmm's dictionary, so maximal matching
  takes them whole; see EXTRA_WORDS.

A word added to a slip's text that the dictionary splits belongs here; tests/printer/
test_slip_words.py wraps every slip text at every width and fails on a break inside any of the
phrases it lists, which are the slips' words written down independently of this list.
"""

from __future__ import annotations

#: Never start a line: they bind to the word before (classifier + demonstrative).
DEMONSTRATIVES = frozenset({"นี้", "นั้น", "โน้น"})

#: Added to newmm's bundled dictionary (pythainlp.corpus.thai_words()).
EXTRA_WORDS = frozenset(
    {
        "ใบนัด",  # appointment slip (the dictionary: ใบ + นัด)
        "วันนัด",  # appointment day
        "หมอพร้อม",  # the MOPH app (หมอ + พร้อม)
        "ไทยร่วมใจ",  # the programme's name
        "ผู้ถือบัตร",  # card holder
        "ผู้รับวัคซีน",  # the vaccinee
        "อสม.",  # village health volunteer
        "หน้ากากอนามัย",  # face mask (the dictionary: สวมหน้ากาก + อนามัย)
        "สวมหน้ากากอนามัย",  # wear a face mask: the verb stays with what is worn
    }
)
