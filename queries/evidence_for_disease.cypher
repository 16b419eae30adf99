// evidence-for-disease
// All cell-therapy evidence for a disease and its subtypes (is-a), one row per report, with its
// cohort (distinct patients, reports about them), findings and trial.
// :param disease => 'MONDO:0009688'
MATCH (root:Disease {id: $disease})
WITH root
MATCH (d:Disease)-[:IS_A*0..]->(root)
WITH DISTINCT d
MATCH (e:Evidence)-[:IN_DISEASE]->(d)
WITH d, e
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH d, e, p
MATCH (e)-[:REPORTED_IN]->(s:Source)
WITH d, e, p, s
MATCH (e)-[rc:REPORTS_COHORT]->(c:Cohort)
WITH d, e, p, s, c, rc
OPTIONAL MATCH (p)-[:TARGETS]->(t:Target)
WITH d, e, p, s, c, rc, collect(DISTINCT t.name) AS targets
OPTIONAL MATCH (e)-[:HAS_FINDING]->(f:Finding)
WITH d, e, p, s, c, rc, targets, collect(DISTINCT f.name) AS findings
OPTIONAL MATCH (e)-[rs:FROM_STUDY]->(st:Study)
RETURN d.name AS disease, p.name AS product, targets, e.level AS level, e.patients AS patients,
       e.follow_up_months AS follow_up_months, c.id AS cohort, c.patients AS cohort_patients,
       COUNT { MATCH (c)<-[:REPORTS_COHORT]-(:Evidence) } AS cohort_reports, rc.inferred AS cohort_inferred,
       findings, st.id AS study, rs.inferred AS study_inferred, s.id AS source, e.id AS evidence
ORDER BY disease, product, source, evidence
