-- The case list reads from an index that holds every column it shows, in the order it shows
-- them (newest first), so listing cases never reads the case rows themselves: a row carries the
-- whole CaseDraft JSON (about 2 KB), and 2 000 of them are a thousand pages scattered among the
-- journal's, read one by one when the database is not in the page cache (issue 13: 41 ms to open
-- and list a five-year workspace cold, against a goal of 50 ms). The index is about 100 pages.

CREATE INDEX cases_list ON cases (opened_at DESC, case_id, case_no, title, status);
