"""Turn a source file (text, Markdown, PDF, Word, HTML) into a LoadedDocument.

Every loader keeps the text as close to the source as it can: cleaning, sectioning and chunking
happen later. What the loaders do add is structure the later stages rely on: PDF pages are joined
with PAGE_BREAK, and Word and HTML headings become Markdown headings ("## Rubrik"), list items
become "- punkt" and table rows (of Word, HTML and ruled PDF tables, the last found by pdfplumber)
become one line with the cells joined by " | ".

A file that cannot be used raises IngestError with one short Swedish reason, shown to the user
(the reasons are in ``reasons``). One module a format, so each parser's quirks stay with it;
``formats`` holds the entry point and which loader reads which suffix.
"""

from ingest.loaders.formats import SUPPORTED_SUFFIXES, load_document

__all__ = ["SUPPORTED_SUFFIXES", "load_document"]
