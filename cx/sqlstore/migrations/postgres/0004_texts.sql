-- Free-text answers of responses (survey.Response.Texts), as a JSON object
-- from text item ID to the words given; NULL when a response has none.

ALTER TABLE cx_responses ADD COLUMN texts TEXT;
