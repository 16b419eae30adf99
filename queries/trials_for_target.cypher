// trials-for-target
// Registered trials of products against a target: phase, status, sponsors, conditions, and how many
// reports cite the trial (stated or linked by a curator).
// :param target => 'cellkg:target-bcma'
MATCH (t:Target {id: $target})
WITH t
MATCH (t)<-[:TARGETS]-(p:Product)<-[:STUDIES_PRODUCT]-(st:Study)
WITH st, collect(DISTINCT p.name) AS products
OPTIONAL MATCH (st)-[:STUDIES_CONDITION]->(d:Disease)
WITH st, products, collect(DISTINCT d.name) AS diseases
OPTIONAL MATCH (st)-[:SPONSORED_BY]->(sp)
WITH st, products, diseases, collect(DISTINCT sp.name) AS sponsors
RETURN st.id AS study, st.acronym AS acronym, st.phase AS phase, st.status AS status, products, diseases,
       sponsors, st.start_date AS start_date, st.enrollment AS enrollment, st.enrollment_type AS enrollment_type,
       COUNT { MATCH (st)<-[r:FROM_STUDY]-(:Evidence) WHERE r.inferred IS NULL OR r.inferred = false } AS reports_stating_id,
       COUNT { MATCH (st)<-[r:FROM_STUDY]-(:Evidence) WHERE r.inferred = true } AS reports_linked_by_curator
ORDER BY phase DESC, study
