"""The gemeenterapport: one content model (zet.rapport.blocks, filled by
zet.services.rapport) written as PDF (HTML and CSS through WeasyPrint) and as an editable Word
document (python-docx), so both files always hold the same sections in the same order."""
