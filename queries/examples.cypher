// products and the diseases they have evidence in
MATCH (p:Product)-[:HAS_EVIDENCE_IN]->(d:Disease) RETURN p.name AS product, d.name AS disease ORDER BY product, disease;

// every reported CRS finding, with product, disease and patients treated
MATCH (e:Evidence)-[:HAS_FINDING]->(f:Finding)-[:OF_OUTCOME]->(:Outcome {abbreviation: 'CRS'})
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
MATCH (e)-[:IN_DISEASE]->(d:Disease)
RETURN p.name AS product, d.name AS disease, f.name AS finding, f.present AS present, f.grade AS grade,
       f.max_grade AS max_grade, e.patients AS treated ORDER BY disease, product, finding;

// the family of inflammatory myopathies and the evidence in each member
MATCH (m:Disease)-[:IS_A*0..]->(:Disease {name: 'idiopathic inflammatory myopathy'})
OPTIONAL MATCH (e:Evidence)-[:IN_DISEASE]->(m)
RETURN m.name AS disease, count(e) AS evidence ORDER BY evidence DESC, disease;
