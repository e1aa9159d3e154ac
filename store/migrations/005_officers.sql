-- The officer a peer chain's device is enrolled for (certificate number): who that device
-- writes as, for the rule of who may write about which case. Peers enrolled before this kept
-- it as their label.

ALTER TABLE devices ADD COLUMN officer TEXT;
UPDATE devices SET officer = label WHERE role = 'peer';
