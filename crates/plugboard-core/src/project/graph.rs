//! The project's wires as a graph (petgraph): the order nodes are instantiated in, providers
//! first, and the cycle the wires make, if they make one.

use std::collections::HashMap;

use petgraph::algo::{astar, has_path_connecting, toposort};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Topo;

use super::model::{NodeId, Project};

impl Project {
    /// The nodes, an edge from each provider to each of its consumers.
    fn wire_graph(&self) -> DiGraph<&NodeId, ()> {
        let mut graph = DiGraph::with_capacity(self.nodes.len(), self.wires.len());
        let index: HashMap<&NodeId, NodeIndex> = self
            .nodes
            .iter()
            .map(|node| (&node.id, graph.add_node(&node.id)))
            .collect();
        for wire in &self.wires {
            if let (Some(&from), Some(&to)) = (index.get(&wire.from.node), index.get(&wire.to.node))
            {
                graph.update_edge(from, to, ());
            }
        }
        graph
    }

    /// The node ids with every provider before its consumers (wires point downstream), in
    /// project order otherwise. Nodes on a cycle are left out: callers refuse cycles first
    /// ([`Project::wire_cycle`]).
    pub fn dependency_order(&self) -> Vec<&NodeId> {
        let graph = self.wire_graph();
        let mut topo = Topo::new(&graph);
        let mut order = Vec::with_capacity(self.nodes.len());
        while let Some(index) = topo.next(&graph) {
            order.push(graph[index]);
        }
        order
    }

    /// Whether `target` can be reached from `start` by following wires downstream (a node
    /// reaches itself).
    pub fn reaches(&self, start: &NodeId, target: &NodeId) -> bool {
        let graph = self.wire_graph();
        let find = |id: &NodeId| graph.node_indices().find(|i| graph[*i] == id);
        match (find(start), find(target)) {
            (Some(a), Some(b)) => has_path_connecting(&graph, a, b, None),
            _ => start == target,
        }
    }

    /// A cycle the wires make, as the nodes along it with the first repeated at the end
    /// (`a → b → a`); `None` when there is none.
    pub fn wire_cycle(&self) -> Option<Vec<NodeId>> {
        let graph = self.wire_graph();
        let start = toposort(&graph, None).err()?.node_id();
        // The way back to `start` from one of its consumers closes the loop.
        let (_, back) = graph
            .neighbors(start)
            .find_map(|next| astar(&graph, next, |n| n == start, |_| 1, |_| 0))?;
        Some(
            std::iter::once(start)
                .chain(back)
                .map(|index| graph[index].clone())
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::project::Project;

    fn project(wires: &[(&str, &str)]) -> Project {
        let nodes: Vec<String> = ["a", "b", "c", "d"]
            .iter()
            .map(|id| format!(r#"{{"id": "{id}", "component": "{id}.wasm"}}"#))
            .collect();
        let wires: Vec<String> = wires
            .iter()
            .map(|(from, to)| {
                format!(
                    r#"{{"from": {{"node": "{from}", "port": "p:x/{to}"}}, "to": {{"node": "{to}", "port": "p:x/{from}"}}}}"#
                )
            })
            .collect();
        Project::from_json(&format!(
            r#"{{"format": 2, "nodes": [{}], "wires": [{}]}}"#,
            nodes.join(","),
            wires.join(",")
        ))
        .expect("a project")
    }

    #[test]
    fn providers_come_before_their_consumers_in_project_order_otherwise() {
        let p = project(&[("c", "a"), ("d", "c")]);
        let order: Vec<&str> = p.dependency_order().iter().map(|n| n.as_str()).collect();
        let at = |id| order.iter().position(|n| *n == id).expect("placed");
        assert_eq!(order.len(), 4);
        assert!(at("d") < at("c") && at("c") < at("a"));
        assert_eq!(p.wire_cycle(), None);
    }

    #[test]
    fn a_cycle_is_named_along_its_wires() {
        let p = project(&[("a", "b"), ("b", "c"), ("c", "a"), ("a", "d")]);
        let cycle: Vec<String> = p
            .wire_cycle()
            .expect("a cycle")
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(cycle.len(), 4);
        assert_eq!(cycle.first(), cycle.last());
        assert!(!p.dependency_order().iter().any(|n| n.as_str() == "b"));
    }
}
