import { TensorView } from "@/components/tensor/tensor-view";

export const metadata = { title: "Tensor · Switchyard" };

export default function TensorPage() {
  return <TensorView />;
}
