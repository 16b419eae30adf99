// trials-for-disease
// Registered trials in a disease (and its subtypes): phase, status, sponsors, products, and how many
// reports cite the trial (stated: the report prints the NCT id; inferred: a curator linked it).
// :param disease => 'MONDO:0007915'
MATCH (root:Disease {id: $disease})
WITH root
MATCH (d:Disease)-[:IS_A*0..]->(root)
WITH DISTINCT d
MATCH (st:Study)-[:STUDIES_CONDITION]->(d)
WITH st, collect(DISTINCT d.name) AS diseases
OPTIONAL MATCH (st)-[:STUDIES_PRODUCT]->(p:Product)
WITH st, diseases, collect(DISTINCT p.name) AS products
OPTIONAL MATCH (st)-[:SPONSORED_BY]->(sp)
WITH st, diseases, products, collect(DISTINCT sp.name) AS sponsors
RETURN st.id AS study, st.acronym AS acronym, st.phase AS phase, st.status AS status, diseases, products,
       sponsors, st.start_date AS start_date, st.enrollment AS enrollment, st.enrollment_type AS enrollment_type,
       COUNT { MATCH (st)<-[r:FROM_STUDY]-(:Evidence) WHERE r.inferred IS NULL OR r.inferred = false } AS reports_stating_id,
       COUNT { MATCH (st)<-[r:FROM_STUDY]-(:Evidence) WHERE r.inferred = true } AS reports_linked_by_curator
ORDER BY phase DESC, study
